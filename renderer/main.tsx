import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme } from './theme';
import './styles.css';

// Before the first paint, so a dark theme never flashes light.
applyTheme();

const container = document.getElementById('root');
if (!container) throw new Error('NetLens: #root element missing from index.html');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
