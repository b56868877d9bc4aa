import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { TokenEvent } from '@twilio-oauth/core';
import { twilioOAuthTelemetry } from '@twilio-oauth/opentelemetry';
import type { RequestHandler } from 'express';

/** The sample's metrics: token handling as OpenTelemetry metrics, scraped by Prometheus. */
export interface SampleMetrics {
  /** The manager's `onEvent`. */
  readonly onEvent: (event: TokenEvent) => void;
  /** `GET /metrics`: the Prometheus text format. */
  readonly handler: RequestHandler;
  close(): Promise<void>;
}

/**
 * A meter provider of the sample's own, read by a Prometheus exporter that serves
 * through the app (no second port), and the `@twilio-oauth/opentelemetry` listener on it.
 */
export function createMetrics(): SampleMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  return {
    onEvent: twilioOAuthTelemetry({ meterProvider }),
    handler: (req, res) => {
      exporter.getMetricsRequestHandler(req, res);
    },
    close: () => meterProvider.shutdown(),
  };
}
