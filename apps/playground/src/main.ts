import { findPageElements } from './page/page-elements.js';
import { publishState } from './page/page-state.js';
import { startPlayground } from './page/playground-app.js';
import { parsePlaygroundOptions } from './page/query-options.js';

const elements = findPageElements();
try {
  await startPlayground(elements, parsePlaygroundOptions(window.location.search));
} catch (error) {
  // Failures before training (a bad URL parameter, no backend, the digits missing) land here; later ones are
  // caught by the page itself. Either way they are shown, not only logged.
  const message = error instanceof Error ? error.message : String(error);
  elements.errorBox.textContent = `Error: ${message}`;
  elements.errorBox.hidden = false;
  elements.statusBadge.textContent = 'error';
  publishState({ status: 'error', error: message });
  console.error(error);
}
