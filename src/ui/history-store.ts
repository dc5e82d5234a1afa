import type { Container } from '../api/types';
import type { HistoryStore } from '../terminal';

export const HISTORY_PATH = '/root/.sh_history';

/** A terminal's history kept in the container, one line per entry (like ~/.bash_history). */
export function containerHistoryStore(container: Container, path = HISTORY_PATH): HistoryStore {
  return {
    async load() {
      try {
        const text = new TextDecoder().decode(await container.readFile(path));
        return text.split('\n').filter((line) => line.trim() !== '');
      } catch {
        return []; // no history yet
      }
    },
    async save(entries) {
      const text = entries.map((entry) => entry.replace(/[\r\n]+/g, ' ')).join('\n');
      await container.writeFile(path, entries.length > 0 ? `${text}\n` : '');
    },
  };
}
