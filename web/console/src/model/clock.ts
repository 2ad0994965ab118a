import { useSyncExternalStore } from 'react';

/**
 * One shared one-second tick for every SLA countdown on screen (a page of tickets would
 * otherwise run a timer each).
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function watch(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, 1_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, updated every second while a component shows it. */
export function useNow(): number {
  return useSyncExternalStore(watch, () => now);
}
