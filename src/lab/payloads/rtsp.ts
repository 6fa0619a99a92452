// What each simulated RTSP server answers to a request without valid credentials, by vendor family:
//   hikvision  OPTIONS 200 with Public and a Date with two spaces, no Server header; everything else 401
//              `Digest realm="IP Camera(…)", nonce, stale="FALSE"` (Eson-Jia/EasyDarwin Capture.md, a real camera);
//   dahua      every method 401 `Digest realm="Login to <serial>", nonce` (ws2543/about-multimedia README.md);
//   generic    OPTIONS 200 with Public; everything else 401 with a Basic challenge. No capture names a vendor for
//              this shape: it stands for a camera whose RTSP server says nothing about its maker.
import { randomBytes } from 'node:crypto';
import type { RtspService } from '../topology.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** Hikvision's RTSP date: `Date:  Thu, May 14 2020 16:45:35 GMT` (the double space is the firmware's). */
export function hikvisionDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

export interface RtspAnswer {
  readonly status: number;
  readonly text: string;
}

const response = (status: string, cseq: string, headers: readonly string[]): string =>
  `RTSP/1.0 ${status}\r\nCSeq: ${cseq}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;

export function rtspAnswer(svc: RtspService, method: string, cseq: string, now: Date = new Date()): RtspAnswer {
  const nonce = randomBytes(16).toString('hex');
  switch (svc.flavour) {
    case 'hikvision': {
      const date = `Date:  ${hikvisionDate(now)}`;
      if (method === 'OPTIONS') {
        return { status: 200, text: response('200 OK', cseq, ['Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER', date]) };
      }
      return { status: 401, text: response('401 Unauthorized', cseq, [`WWW-Authenticate: Digest realm="${svc.realm}", nonce="${nonce}", stale="FALSE"`, date]) };
    }
    case 'dahua':
      return { status: 401, text: response('401 Unauthorized', cseq, [`WWW-Authenticate: Digest realm="${svc.realm}", nonce="${nonce}"`]) };
    case 'generic':
      if (method === 'OPTIONS') return { status: 200, text: response('200 OK', cseq, ['Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN']) };
      return { status: 401, text: response('401 Unauthorized', cseq, [`WWW-Authenticate: Basic realm="${svc.realm}"`]) };
  }
}
