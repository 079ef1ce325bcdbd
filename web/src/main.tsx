/** Entry: read the runtime config (`/config.json`), then render the app. */
import { type ComponentChild, render } from 'preact';
import { App } from './app.tsx';
import { parseRuntimeConfig } from './config.ts';
import './styles.css';

const root = document.getElementById('app');

async function start(target: HTMLElement) {
  // The "loading" text in index.html stays until now; Preact renders next to what it finds, so clear it first.
  const show = (node: ComponentChild) => {
    target.textContent = '';
    render(node, target);
  };
  try {
    // The same request as the preload in index.html, so the browser reuses it (the server says no-store).
    const response = await fetch('/config.json');
    if (!response.ok) throw new Error(`Không tải được cấu hình (/config.json: ${response.status}).`);
    const config = parseRuntimeConfig(await response.json());
    show(<App config={config} />);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    show(
      <main id="main">
        <h1>Không khởi động được ứng dụng</h1>
        <p role="alert">{message}</p>
      </main>,
    );
  }
}

if (root) void start(root);
