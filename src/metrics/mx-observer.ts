// MX requests as metrics: the observer src/mx/http.ts calls once per request (MxConnectionOptions.observe).
import type { MxRequestObserver } from '../mx/http';
import { type GuideMetrics, typeLabel } from './guide-metrics';
import { routeTemplate } from './mx-route';

export function mxRequestObserver(metrics: GuideMetrics): MxRequestObserver {
  return (request) => {
    const labels = { operation: typeLabel(request.endpoint), route: routeTemplate(request.path), method: typeLabel(request.method) };
    const status = request.status === undefined ? 'none' : String(request.status);
    metrics.mxRequests.inc({ ...labels, status, outcome: request.errorType === undefined ? 'ok' : typeLabel(request.errorType) });
    metrics.mxRequestDuration.observe(labels, request.durationMs / 1000);
    if (request.status === 429) metrics.mxRateLimited.inc({ operation: labels.operation, route: labels.route });
  };
}
