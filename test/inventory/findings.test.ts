import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { afterAbsence, afterExpiry, afterSighting, parseDay, userTransition, type FindingState } from '../../src/inventory/findings.js';

const state = (o: Partial<FindingState> = {}): FindingState => ({ status: 'open', owner: null, notes: null, reason: null, expiresAt: null, ...o });
const TODAY = '2026-12-02';

describe('transitions caused by scans', () => {
  it('opens a finding when a device is first flagged, and none for an unflagged one', () => {
    expect(afterSighting(null, true, 'scan 1')).toEqual({ next: state(), changes: [{ field: 'status', oldValue: null, newValue: 'open', why: 'flagged by scan 1' }] });
    expect(afterSighting(null, false, 'scan 1')).toBeNull();
  });

  it.each(['open', 'acknowledged', 'exception'] as const)('leaves a flagged %s finding alone', (status) => {
    expect(afterSighting(state({ status }), true, 'scan 2')).toBeNull();
  });

  it('reopens a remediated finding when the device is back, and a withdrawn one when it is flagged again', () => {
    expect(afterSighting(state({ status: 'remediated' }), true, 'scan 5')?.changes).toEqual([
      { field: 'status', oldValue: 'remediated', newValue: 'open', why: 'the device is back: flagged by scan 5' },
    ]);
    expect(afterSighting(state({ status: 'withdrawn' }), true, 'scan 5')?.next.status).toBe('open');
  });

  it('does not bring back a remediated device on a re-evaluation: only a scan can see it again', () => {
    expect(afterSighting(state({ status: 'remediated' }), true, 're-evaluation under x', false)).toBeNull();
    expect(afterSighting(state({ status: 'withdrawn' }), true, 're-evaluation under x', false)?.next.status).toBe('open');
  });

  it('withdraws an active finding whose device is no longer flagged, ending an exception', () => {
    const t = afterSighting(state({ status: 'exception', reason: 'spare', expiresAt: '2027-01-01' }), false, 're-evaluation under x');
    expect(t?.next).toEqual(state({ status: 'withdrawn' }));
    expect(t?.changes.map((c) => c.field)).toEqual(['status', 'expires']);
    expect(afterSighting(state({ status: 'remediated' }), false, 'scan 3')).toBeNull();
  });

  it.each(['open', 'acknowledged', 'exception'] as const)('remediates a %s finding whose device is absent', (status) => {
    expect(afterAbsence(state({ status, ...(status === 'exception' ? { reason: 'r', expiresAt: '2027-01-01' } : {}) }), 4)?.next.status).toBe('remediated');
  });

  it('does not touch a finding that is already remediated or withdrawn when absent', () => {
    expect(afterAbsence(state({ status: 'remediated' }), 4)).toBeNull();
    expect(afterAbsence(state({ status: 'withdrawn' }), 4)).toBeNull();
  });
});

describe('exception expiry', () => {
  const exception = state({ status: 'exception', reason: 'spare', expiresAt: '2026-12-01' });
  it('holds through the expiry date and returns to open after it', () => {
    expect(afterExpiry(exception, '2026-12-01')).toBeNull();
    expect(afterExpiry(exception, '2026-12-02')?.next).toEqual(state({ status: 'open' }));
    expect(afterExpiry(state({ status: 'acknowledged', expiresAt: '2020-01-01' }), TODAY)).toBeNull();
  });
});

describe('changes made by people', () => {
  it('requires a reason and a future expiry for an exception', () => {
    expect(() => userTransition(state(), { status: 'exception', expires: '2027-01-31' }, TODAY)).toThrow(/--note/);
    expect(() => userTransition(state(), { status: 'exception', note: 'spare' }, TODAY)).toThrow(/--expires/);
    expect(() => userTransition(state(), { status: 'exception', note: 'spare', expires: '2026-12-01' }, TODAY)).toThrow(/has passed/);
    expect(() => userTransition(state(), { status: 'exception', note: 'spare', expires: '2026-02-30' }, TODAY)).toThrow(/"2026-02-30"/);
    const t = userTransition(state(), { status: 'exception', note: 'spare', expires: '2026-12-02' }, TODAY);
    expect(t.next).toEqual(state({ status: 'exception', reason: 'spare', notes: 'spare', expiresAt: '2026-12-02' }));
  });

  it('extends an exception with --expires alone, and refuses --expires on anything else', () => {
    const t = userTransition(state({ status: 'exception', reason: 'spare', expiresAt: '2026-12-31' }), { expires: '2027-03-31' }, TODAY);
    expect(t.changes).toEqual([{ field: 'expires', oldValue: '2026-12-31', newValue: '2027-03-31', why: null }]);
    expect(() => userTransition(state({ status: 'acknowledged' }), { expires: '2027-03-31' }, TODAY)).toThrow(/exceptions only/);
  });

  it('records owner and note changes, and refuses a change that changes nothing', () => {
    const t = userTransition(state(), { owner: 'facilities', note: 'ticket 118' }, TODAY);
    expect(t.changes.map((c) => [c.field, c.newValue])).toEqual([['owner', 'facilities'], ['note', 'ticket 118']]);
    expect(() => userTransition(state({ owner: 'facilities' }), { owner: 'facilities' }, TODAY)).toThrow(/nothing changed/);
    expect(() => userTransition(state(), {}, TODAY)).toThrow(UsageError);
  });

  it('lets a person mark a device remediated', () => {
    expect(userTransition(state(), { status: 'remediated', note: 'replaced by Axis' }, TODAY).changes[0]).toEqual({
      field: 'status', oldValue: 'open', newValue: 'remediated', why: 'replaced by Axis',
    });
  });
});

describe('parseDay', () => {
  it.each(['2026-13-01', '26-12-01', '2026-12-1', 'tomorrow', '2026-12-01T00:00:00Z'])('refuses %j naming it', (text) => {
    expect(() => parseDay(text, '--expires')).toThrow(new RegExp(JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
