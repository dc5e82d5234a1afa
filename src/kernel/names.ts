// Docker-style container names ("brave_turing") and ids (64 hex digits).

const ADJECTIVES = [
  'agile', 'bold', 'brave', 'calm', 'clever', 'eager', 'fair', 'gentle', 'happy', 'jolly',
  'keen', 'lucid', 'merry', 'nifty', 'quick', 'quiet', 'sharp', 'steady', 'vivid', 'witty',
];
const SURNAMES = [
  'babbage', 'curie', 'dijkstra', 'engelbart', 'hamilton', 'hopper', 'kay', 'knuth', 'lamport', 'lovelace',
  'liskov', 'mccarthy', 'noether', 'pike', 'ritchie', 'shannon', 'thompson', 'torvalds', 'turing', 'wirth',
];

export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A random name not in `taken`; adds a numeric suffix once the word pairs run out. */
export function randomName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const adjective = ADJECTIVES[Math.floor(Math.random() * ADJECTIVES.length)];
    const surname = SURNAMES[Math.floor(Math.random() * SURNAMES.length)];
    const name = attempt < 50 ? `${adjective}_${surname}` : `${adjective}_${surname}${attempt}`;
    if (!taken(name)) return name;
  }
}

/** Docker's rule for container names. */
export const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
