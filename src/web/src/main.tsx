/**
 * The entry: the app's stylesheet, and the app itself (boot.tsx) as a module of its own. On a page
 * the server drew (first-paint.ts) the browser shows that drawing in its first frame, and only then
 * is the app's code evaluated (React and the app's modules, the page chunk asked for by early.ts):
 * none of it runs between the page's parse and its first frame. Any other page starts the app at once.
 */
import './styles.css';

const boot = () => import('./boot.js');
if (document.getElementById('otc-first-paint')) requestAnimationFrame(() => setTimeout(() => void boot(), 0));
else void boot();
