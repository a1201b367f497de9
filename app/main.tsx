import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { boot } from './boot.ts';
import './styles.css';

const link = boot();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App embedded={link.state.embed !== undefined} />
  </StrictMode>,
);
