import './styles.css';
import { Api, ApiError } from './api';
import { byId } from './dom';
import { auditRows, deadLettersPanel, sagaRows, servicesPanel, timelinePanel } from './panels';

/** Live updates: the page asks again every 2 s (dead letters, which read Kafka, every 10 s). */
const REFRESH_MS = 2000;
const DEAD_LETTERS_EVERY = 5;

const api = new Api();
let timer: number | undefined;
let ticks = 0;
let shownOrder: string | undefined;

const live = byId('live');
const say = (text: string, error = false) => {
  live.textContent = text;
  live.className = error ? 'error' : '';
};

function showForbidden(): void {
  stop();
  api.logout();
  byId('console').hidden = true;
  byId('login').hidden = false;
  byId('forbidden').hidden = false;
}

/** Runs a part of the refresh; a 401/403 ends the session, anything else is shown and retried next time. */
async function guarded(part: () => Promise<void>): Promise<void> {
  try {
    await part();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      if (error.status === 403) showForbidden();
      else logout('Your session ended: log in again.');
      throw error;
    }
    say(`${error instanceof Error ? error.message : String(error)} (retrying)`, true);
  }
}

const stuckAfterMs = (): number => Math.max(1, Number(byId<HTMLInputElement>('stuck-after').value) || 60) * 1000;

async function refreshSagas(): Promise<void> {
  const list = await api.sagas(stuckAfterMs());
  byId('saga-summary').textContent = `${list.inFlight} in flight, ${list.stuck} stuck (after ${list.stuckAfterMs / 1000} s)`;
  byId('sagas')
    .querySelector('tbody')
    ?.replaceChildren(...sagaRows(list, { act: (id, action) => void act(id, action), show }));
}

async function refreshTimeline(): Promise<void> {
  if (!shownOrder) return;
  byId('timeline').replaceChildren(timelinePanel(await api.timeline(shownOrder)));
}

async function refreshAudit(): Promise<void> {
  byId('audit')
    .querySelector('tbody')
    ?.replaceChildren(...auditRows((await api.audit()).entries));
}

async function refreshDeadLetters(): Promise<void> {
  byId('dead-letters').replaceChildren(deadLettersPanel(await api.deadLetters(), (topic) => void redrive(topic)));
}

async function refresh(): Promise<void> {
  const parts = [
    guarded(async () => byId('services').replaceChildren(servicesPanel(await api.overview()))),
    guarded(refreshSagas),
    guarded(refreshTimeline),
    guarded(refreshAudit),
  ];
  if (ticks++ % DEAD_LETTERS_EVERY === 0) parts.push(guarded(refreshDeadLetters));
  const results = await Promise.allSettled(parts);
  if (results.every((r) => r.status === 'fulfilled') && api.loggedIn && live.className !== 'error') {
    say(`live · updated ${new Date().toLocaleTimeString()}`);
  }
}

function schedule(): void {
  timer = window.setTimeout(() => {
    void refresh().finally(() => {
      if (api.loggedIn) schedule();
    });
  }, REFRESH_MS);
}

function stop(): void {
  window.clearTimeout(timer);
  timer = undefined;
}

async function act(orderId: string, action: 'retry' | 'compensate'): Promise<void> {
  await guarded(async () => {
    const result = await api.act(orderId, action);
    say(`${action} ${orderId}: ${result.changed ? 'applied' : 'nothing to do'} — ${result.detail}`);
    shownOrder = orderId;
    await Promise.all([refreshSagas(), refreshTimeline(), refreshAudit()]);
  }).catch(() => undefined);
}

function show(orderId: string): void {
  shownOrder = orderId;
  byId<HTMLInputElement>('timeline-id').value = orderId;
  void guarded(refreshTimeline).catch(() => undefined);
}

async function redrive(topic: string): Promise<void> {
  await guarded(async () => {
    const { redriven } = await api.redrive(topic);
    say(`redrive ${topic}: ${redriven} message(s) re-published`);
    await Promise.all([refreshDeadLetters(), refreshAudit()]);
  }).catch(() => undefined);
}

function logout(message = ''): void {
  stop();
  api.logout();
  byId('console').hidden = true;
  byId('logout').hidden = true;
  byId('login').hidden = false;
  byId('who').textContent = '';
  byId('login-error').textContent = message;
}

byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.currentTarget as HTMLFormElement);
  const field = (name: string): string => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const email = field('email');
  byId('login-error').textContent = '';
  byId('forbidden').hidden = true;
  void (async () => {
    try {
      await api.login(email, field('password'));
      await refresh();
      if (!api.loggedIn) return; // refused (403): the page says so
      byId('login').hidden = true;
      byId('console').hidden = false;
      byId('logout').hidden = false;
      byId('who').textContent = email;
      schedule();
    } catch (error) {
      byId('login-error').textContent = error instanceof Error ? error.message : String(error);
    }
  })();
});

byId('logout').addEventListener('click', () => logout());
byId<HTMLFormElement>('timeline-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = byId<HTMLInputElement>('timeline-id').value.trim();
  if (id) show(id);
});
byId<HTMLFormElement>('stuck-form').addEventListener('submit', (event) => event.preventDefault());
