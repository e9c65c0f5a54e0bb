import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { startEarly } from './early.js';
import './styles.css';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 60_000 } } });

startEarly(queryClient);

const start = () =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
// a page the server drew (first-paint.ts): the browser shows it in its first frame, the app starts after
if (document.getElementById('otc-first-paint')) requestAnimationFrame(() => setTimeout(start, 0));
else start();
