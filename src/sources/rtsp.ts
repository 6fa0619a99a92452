// Source `rtsp`: the streaming server's banner on port 554. Never sends credentials.
// Sends, per live host, concurrently and each on its own connection: OPTIONS and DESCRIBE on rtsp://<ip>:554/
// (16 KiB cap, connect/idle/total deadlines). Records the Server header and the realm of every 401 challenge.
// Pure build/parse: src/protocols/rtsp.ts; challenges: src/protocols/http-banner.ts.
import { ParseError } from '../core/errors.js';
import { tcpExchange, type TcpExchangeResult } from '../net/tcp-exchange.js';
import { challengeBanner, parseChallenges, printable } from '../protocols/http-banner.js';
import { buildRtspRequest, parseRtspResponse, rtspResponseComplete, type RtspMethod } from '../protocols/rtsp.js';
import type { DiscoverySource, HostView, SourceContext, SourceOutcome } from './types.js';

export const RTSP_PORT = 554;
const MAX_BYTES = 16 * 1024;
const METHODS: readonly RtspMethod[] = ['OPTIONS', 'DESCRIBE'];

async function probe(host: HostView, ctx: SourceContext): Promise<SourceOutcome> {
  const url = `rtsp://${host.ip}:${RTSP_PORT}/`;
  const results: TcpExchangeResult[] = await Promise.all(
    METHODS.map((method, i) =>
      tcpExchange(ctx.scope, {
        ip: host.ip,
        port: RTSP_PORT,
        request: buildRtspRequest(method, url, i + 1),
        totalMs: ctx.options.timeouts.tcpMs * 3,
        connectMs: ctx.options.timeouts.tcpMs,
        maxBytes: MAX_BYTES,
        complete: rtspResponseComplete,
        signal: ctx.signal,
      }),
    ),
  );
  const seen = new Set<string>();
  const emit = (key: 'rtsp.server' | 'rtsp.www-authenticate', value: string, detail: string) => {
    if (value === '' || seen.has(`${key}\0${value}`)) return;
    seen.add(`${key}\0${value}`);
    ctx.emit(key, host.ip, value, detail);
  };
  let answered = false;
  let failure: SourceOutcome | null = null;
  for (const [i, r] of results.entries()) {
    const method = METHODS[i]!;
    if (r.status !== 'ok') {
      failure ??= { status: r.status, error: r.error };
      continue;
    }
    try {
      const res = parseRtspResponse(r.data);
      answered = true;
      const where = `RTSP ${method} on port ${RTSP_PORT}: ${res.status} ${res.reason}`.trim();
      for (const s of res.headers.server ?? []) emit('rtsp.server', printable(s), `${where}, Server "${printable(s)}"`);
      for (const header of res.headers['www-authenticate'] ?? []) {
        for (const c of parseChallenges(header)) {
          const banner = challengeBanner(c);
          if (banner) emit('rtsp.www-authenticate', banner, `${where}, WWW-Authenticate ${banner}`);
        }
      }
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      ctx.drop(`rtsp: ${err.message}`);
      failure = { status: 'protocol-error', error: err.message };
    }
  }
  return answered ? { status: 'ok' } : (failure ?? { status: 'no-reply' });
}

export const rtspSource: DiscoverySource = {
  id: 'rtsp',
  summary: 'OPTIONS and DESCRIBE on rtsp://<host>:554/, without credentials: Server header and WWW-Authenticate realm',
  perHost: { trigger: 'live', probe },
};
