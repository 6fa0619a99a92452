// An export format written one device at a time, so the same code writes a document held in memory (toJson & co.)
// and one whose devices are read from the store while it is written (`camaudit export`, `devices --json`).
import type { ExportDevice } from '../core/types.js';

export interface DeviceWriter {
  /** Text before the first device. */
  readonly head: string;
  /** A device's text; '' when the format leaves it out. */
  device(d: ExportDevice): string;
  /** Text after the last device. */
  tail(): string;
  /** True once no further device can add anything (the HTML report, past its flagged devices and exceptions). */
  done?(): boolean;
}

/** The whole text of devices held in memory. */
export function writeAll(writer: DeviceWriter, devices: Iterable<ExportDevice>): string {
  let text = writer.head;
  for (const d of devices) {
    if (writer.done?.()) break;
    text += writer.device(d);
  }
  return text + writer.tail();
}

/** The same text a piece at a time, reading the next device only once the previous one's text was taken. */
export async function* writeChunks(writer: DeviceWriter, devices: AsyncIterable<ExportDevice>): AsyncGenerator<string> {
  yield writer.head;
  for await (const d of devices) {
    if (writer.done?.()) break;
    yield writer.device(d);
  }
  yield writer.tail();
}
