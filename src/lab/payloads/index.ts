// Payload sets by vendor flavour. Each module cites the real capture it is modelled on.

import type { VendorFlavour } from '../topology.js';
import { axis } from './axis.js';
import type { VendorPayloads } from './common.js';
import { dahua } from './dahua.js';
import { generic } from './generic.js';
import { hikvision } from './hikvision.js';

export const PAYLOADS: Readonly<Record<VendorFlavour, VendorPayloads>> = { hikvision, dahua, axis, generic };

export * from './common.js';
export { dahuaNotAuthorizedReason } from './dahua.js';
export { HIKVISION_ENVELOPE_NS } from './hikvision.js';
