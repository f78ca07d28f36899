import { type ConstraintStatement, type ConstraintStatus, type ConstraintTolerance, describeConstraint, toleranceRule } from '../run/constraint-status.js';
import { lineChart, trajectoryChart, type Series } from './svg-chart.js';

/** One logged step of metrics.jsonl: `step` plus every metric the trainer and objective logged. */
export type MetricsRow = Readonly<Record<string, number>> & { readonly step: number };

export interface ReportConstraint {
  readonly name: string;
  readonly kappa: number;
  readonly units: string;
  /** Converts the constraint's logged value to its units (e.g. per-image squared error to per-pixel RMSE). */
  readonly toUnits: (value: number) => number;
}

export interface RunReportInput {
  readonly title: string;
  readonly config: unknown;
  readonly summary?: Readonly<Record<string, unknown>>;
  readonly metrics: readonly MetricsRow[];
  readonly constraints: readonly ReportConstraint[];
  /** PNG images shown at the end, e.g. reconstructions and samples. */
  readonly images: ReadonlyArray<{ readonly caption: string; readonly png: Uint8Array }>;
}

const escapeHtml = (text: string) => text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);

const seriesOf = (rows: readonly MetricsRow[], key: string, transform: (value: number) => number = (value) => value): Array<[number, number]> =>
  rows.filter((row) => typeof row[key] === 'number').map((row) => [row.step, transform(row[key] as number)]);

function summaryTable(summary: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(summary)
    .filter(([, value]) => value === null || ['number', 'string', 'boolean'].includes(typeof value))
    .map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(typeof value === 'number' ? String(Number(value.toPrecision(5))) : String(value))}</td></tr>`);
  return `<table>${rows.join('')}</table>`;
}

type Loose = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);
const statuses: readonly unknown[] = ['satisfied', 'at-kappa', 'violated'] satisfies ConstraintStatus[];

/** One check of summary.json (the moving average, or its `test` entry) as a statement, or undefined if it has none. */
function statementOf(name: string, entry: Loose, check: Loose): ConstraintStatement | undefined {
  if (typeof entry.kappa !== 'number' || !statuses.includes(check.status)) return undefined;
  return {
    name,
    units: typeof entry.units === 'string' ? entry.units : '',
    kappa: entry.kappa,
    status: check.status as ConstraintStatus,
    value: numberOrNull(check.value),
    violation: numberOrNull(check.violation),
    tolerance: isObject(entry.tolerance) ? (entry.tolerance as unknown as ConstraintTolerance) : null,
  };
}

/**
 * Each constraint of summary.json against κ: the final moving average and the test-set figure. Summaries written
 * before the tolerance existed have no status: their moving average is shown as it was, with C_ma <= 0.
 */
function constraintTable(summary: Loose): string {
  if (!isObject(summary.constraints)) return '';
  const rows = Object.entries(summary.constraints)
    .filter((entry): entry is [string, Loose] => isObject(entry[1]))
    .map(([name, entry]) => {
      const training = statementOf(name, entry, entry);
      const test = isObject(entry.test) ? statementOf(name, entry, entry.test) : undefined;
      const older = typeof entry.movingAverage === 'number' ? `${name} ${entry.movingAverage.toFixed(4)}, κ ${String(entry.kappa)} (C_ma <= 0: ${String(entry.satisfied)})` : 'n/a';
      const trainingText = training === undefined ? older : describeConstraint(training, { figure: 'C_ma', multiplier: numberOrNull(entry.multiplier) });
      const testText = test === undefined ? 'n/a' : describeConstraint(test, { figure: 'C' });
      return `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(trainingText)}</td><td>${escapeHtml(testText)}</td></tr>`;
    });
  if (rows.length === 0) return '';
  return `<h2>Constraints</h2><table><tr><th>constraint</th><th>final moving average (training)</th><th>test set</th></tr>${rows.join('')}</table><p class="note">${escapeHtml(toleranceRule)}</p>`;
}

/**
 * A self-contained HTML report of a training run (no script, no external resource): training curves, each
 * constraint's trajectory against its threshold, the multipliers, the information-plane trajectory coloured by step
 * (Figure 3 of Taming VAEs) and image grids embedded as data URLs.
 */
export function renderRunReport(input: RunReportInput): string {
  const { metrics, constraints } = input;
  const charts: string[] = [];
  // The Lagrangian's value is not comparable across steps (lambda moves), so the first chart shows its parts.
  charts.push(
    lineChart(
      [
        { name: 'KL (nats)', points: seriesOf(metrics, 'kl'), color: '#d62728' },
        { name: 'negative log-likelihood (nats)', points: seriesOf(metrics, 'nll'), color: '#1f77b4' },
      ].filter((entry) => entry.points.length > 0),
      { title: 'KL and likelihood per example', xLabel: 'step', yLabel: 'nats' },
    ),
  );
  for (const constraint of constraints) {
    charts.push(
      lineChart(
        [
          { name: 'batch', points: seriesOf(metrics, `${constraint.name}.value`, constraint.toUnits), color: '#9ecae1' },
          { name: 'moving average', points: seriesOf(metrics, `${constraint.name}.movingAverage`, constraint.toUnits), color: '#08519c' },
        ],
        {
          title: `Constraint ${constraint.name}`,
          xLabel: 'step',
          yLabel: constraint.units,
          thresholds: [{ value: constraint.kappa, label: `κ = ${constraint.kappa}` }],
        },
      ),
    );
  }
  const multipliers: Series[] = constraints.map((constraint) => ({ name: `λ ${constraint.name}`, points: seriesOf(metrics, `${constraint.name}.multiplier`) }));
  if (multipliers.some((entry) => entry.points.length > 0)) {
    charts.push(lineChart(multipliers, { title: 'Lagrange multipliers (β-equivalent = 1/λ)', xLabel: 'step', yLabel: 'λ (log scale)', logY: true }));
  }
  const first = constraints[0];
  const distortionKey = first === undefined ? 'nll' : `${first.name}.movingAverage`;
  const planePoints = metrics
    .filter((row) => typeof row.kl === 'number' && typeof row[distortionKey] === 'number')
    .map((row) => ({ x: row.kl as number, y: first === undefined ? (row[distortionKey] as number) : first.toUnits(row[distortionKey] as number), step: row.step }));
  if (planePoints.length > 0) {
    charts.push(
      trajectoryChart(planePoints, {
        title: 'Information plane, coloured by step',
        xLabel: 'KL (nats per example)',
        yLabel: first === undefined ? 'negative log-likelihood (nats)' : `${first.name} (${first.units})`,
        ...(first === undefined ? {} : { thresholds: [{ value: first.kappa, label: `κ = ${first.kappa}` }] }),
      }),
    );
  }
  const figures = input.images
    .map((image) => `<figure><img alt="${escapeHtml(image.caption)}" src="data:image/png;base64,${Buffer.from(image.png).toString('base64')}"><figcaption>${escapeHtml(image.caption)}</figcaption></figure>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #ddd;background:#fff}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
figure{display:inline-block;margin:8px}img{image-rendering:pixelated;border:1px solid #ddd}
pre{background:#f6f6f6;padding:8px;font-size:12px;overflow:auto}.note{font-size:12px;color:#555}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
${input.summary === undefined ? '' : `<h2>Summary</h2>${summaryTable(input.summary)}${constraintTable(input.summary)}`}
<h2>Training</h2><div class="charts">${charts.join('\n')}</div>
${figures === '' ? '' : `<h2>Images</h2>${figures}`}
<h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(input.config, null, 2))}</pre>
</body></html>
`;
}
