// The real OpenTelemetry SDK, wired to memory: a pull MetricReader and an in-memory span exporter.
import {
  type DataPoint,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Collects on demand (what a Prometheus scrape does). */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Sdk {
  readonly meterProvider: MeterProvider;
  readonly tracerProvider: BasicTracerProvider;
  /** Every metric of the last collection, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** The points of one metric (empty when it has none). */
  points(name: string): Promise<DataPoint<unknown>[]>;
  spans(): ReadableSpan[];
  /** Every attribute value, span name, event name and status message exported so far. */
  exportedStrings(): Promise<string[]>;
  shutdown(): Promise<void>;
}

export function startSdk(): Sdk {
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const metrics = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    }
    return byName;
  };
  const spans = () => exporter.getFinishedSpans();
  return {
    meterProvider,
    tracerProvider,
    metrics,
    points: async (name) => ((await metrics()).get(name)?.dataPoints ?? []) as DataPoint<unknown>[],
    spans,
    exportedStrings: async () => {
      const strings: string[] = [];
      const add = (attributes: object) => {
        for (const [name, value] of Object.entries(attributes)) strings.push(name, String(value));
      };
      for (const metric of (await metrics()).values()) {
        strings.push(metric.descriptor.name, metric.descriptor.description);
        for (const point of metric.dataPoints) add(point.attributes);
      }
      for (const span of spans()) {
        strings.push(span.name, span.status.message ?? '');
        add(span.attributes);
        for (const event of span.events) {
          strings.push(event.name);
          add(event.attributes ?? {});
        }
      }
      return strings;
    },
    shutdown: async () => {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}

/** `{ attributes: value }` pairs, for readable assertions on counters and gauges. */
export const byAttributes = (points: DataPoint<unknown>[]) =>
  points.map((point) => ({ attributes: point.attributes, value: point.value }));
