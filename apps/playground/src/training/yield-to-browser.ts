const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();

/**
 * Resolves in a new task, so the browser can handle input and paint between two training steps. A message, not
 * setTimeout(0): chained timeouts are clamped to 4 ms each, and requestAnimationFrame stops in hidden tabs.
 */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(undefined);
  });
}
