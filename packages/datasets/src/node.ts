// Node entry: datasets that read files (the embedded MNIST digits, on-disk formats).
export { type EmbeddedMnistOptions, loadEmbeddedMnist } from './embedded-mnist.js';
