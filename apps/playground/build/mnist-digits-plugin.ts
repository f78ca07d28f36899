import type { Plugin } from 'vite';
import { encodeDigitsFile } from '../src/data/digits-file.js';
import { readMnistDigits } from './read-mnist-digits.js';

export const digitsFileName = 'mnist-digits.bin';

/**
 * Ships the digits with the page: `vite build` emits them as an asset next to index.html and `vite` (dev) serves
 * them from memory, both made from the installed `mnist` package. Nothing is written into the source tree, so there
 * is no generated file to ignore or to forget to regenerate.
 */
export function mnistDigitsPlugin(options: { perDigit?: number } = {}): Plugin {
  let bytes: Uint8Array | undefined;
  const digits = () => (bytes ??= encodeDigitsFile(readMnistDigits(options.perDigit ?? 200)));
  return {
    name: 'tame-mnist-digits',
    configureServer(server) {
      server.middlewares.use(`/${digitsFileName}`, (_request, response) => {
        response.setHeader('Content-Type', 'application/octet-stream');
        response.end(digits());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: digitsFileName, source: digits() });
    },
  };
}
