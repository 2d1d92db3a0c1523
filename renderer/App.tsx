// Placeholder shell: the traffic UI is being built.
export function App() {
  return <main>NetLens</main>;
}
