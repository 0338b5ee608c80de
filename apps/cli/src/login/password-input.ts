import type { InputStream, OutputStream } from '../cli-context';
import { CliError, UsageError } from '../errors/cli-errors';

const MAX_PASSWORD_BYTES = 4096;
const EXIT_INTERRUPTED = 130;

/** The password from standard input (`--password-stdin`): all of it, without the final line break. */
export async function readPasswordFromStdin(stdin: InputStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_PASSWORD_BYTES) throw new UsageError(`the password on standard input is longer than ${MAX_PASSWORD_BYTES} bytes`);
    chunks.push(buffer);
  }
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!password) throw new UsageError('the password on standard input is empty');
  return password;
}

/** Asks for the password on the terminal without echoing it. */
export function promptPassword(stdin: InputStream, stderr: OutputStream, prompt = 'Password: '): Promise<string> {
  if (!stdin.isTTY || !stdin.setRawMode) return Promise.reject(new UsageError('no terminal to ask for the password on: use --password-stdin'));
  const setRawMode = stdin.setRawMode.bind(stdin);
  stderr.write(prompt);
  setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string | Buffer) => {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n') return finish(() => resolve(typed.join('')));
        if (character === '\u0003' || (character === '\u0004' && typed.length === 0)) return finish(() => reject(new CliError('cancelled', EXIT_INTERRUPTED)));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else if (character >= ' ') typed.push(character);
      }
    };
    stdin.on('data', onData);
  });
}
