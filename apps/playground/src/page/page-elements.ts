/** The elements of index.html the page drives, looked up once; a missing one is a bug in index.html. */
export interface PageElements {
  readonly startButton: HTMLButtonElement;
  readonly resetButton: HTMLButtonElement;
  readonly kappaInput: HTMLInputElement;
  readonly kappaOutput: HTMLOutputElement;
  readonly controllerSelect: HTMLSelectElement;
  readonly modelSelect: HTMLSelectElement;
  readonly backendSelect: HTMLSelectElement;
  readonly backendBadge: HTMLElement;
  readonly statusBadge: HTMLElement;
  readonly errorBox: HTMLElement;
  readonly readout: {
    readonly step: HTMLElement;
    readonly kl: HTMLElement;
    readonly error: HTMLElement;
    readonly lambda: HTMLElement;
    readonly speed: HTMLElement;
    readonly tensors: HTMLElement;
  };
  readonly charts: {
    readonly kl: SVGSVGElement;
    readonly error: SVGSVGElement;
    readonly lambda: SVGSVGElement;
    readonly plane: SVGSVGElement;
  };
  readonly reconstructionsCanvas: HTMLCanvasElement;
  readonly samplesCanvas: HTMLCanvasElement;
}

function byId<T extends Element>(id: string, type: abstract new (...args: never[]) => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no ${type.name} #${id}`);
  return element;
}

export function findPageElements(): PageElements {
  return {
    startButton: byId('start-button', HTMLButtonElement),
    resetButton: byId('reset-button', HTMLButtonElement),
    kappaInput: byId('kappa-input', HTMLInputElement),
    kappaOutput: byId('kappa-output', HTMLOutputElement),
    controllerSelect: byId('controller-select', HTMLSelectElement),
    modelSelect: byId('model-select', HTMLSelectElement),
    backendSelect: byId('backend-select', HTMLSelectElement),
    backendBadge: byId('backend-badge', HTMLElement),
    statusBadge: byId('status-badge', HTMLElement),
    errorBox: byId('error-box', HTMLElement),
    readout: {
      step: byId('readout-step', HTMLElement),
      kl: byId('readout-kl', HTMLElement),
      error: byId('readout-error', HTMLElement),
      lambda: byId('readout-lambda', HTMLElement),
      speed: byId('readout-speed', HTMLElement),
      tensors: byId('readout-tensors', HTMLElement),
    },
    charts: {
      kl: byId('chart-kl', SVGSVGElement),
      error: byId('chart-error', SVGSVGElement),
      lambda: byId('chart-lambda', SVGSVGElement),
      plane: byId('chart-plane', SVGSVGElement),
    },
    reconstructionsCanvas: byId('reconstructions-canvas', HTMLCanvasElement),
    samplesCanvas: byId('samples-canvas', HTMLCanvasElement),
  };
}

/** Fills a <select> with options (value, label, title) and selects `selected`. */
export function fillSelect(select: HTMLSelectElement, options: ReadonlyArray<{ value: string; label: string; title?: string }>, selected: string): void {
  select.replaceChildren(
    ...options.map(({ value, label, title }) => {
      const option = new Option(label, value, false, value === selected);
      if (title !== undefined) option.title = title;
      return option;
    }),
  );
}
