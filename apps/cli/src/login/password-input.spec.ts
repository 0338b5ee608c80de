import { PassThrough } from 'node:stream';
import { CliError, UsageError } from '../errors/cli-errors';
import { BufferOutput } from '../testing';
import { promptPassword, readPasswordFromStdin } from './password-input';

/** A stream that says it is a terminal and records raw mode switches. */
function fakeTerminal() {
  const modes: boolean[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (raw: boolean) => modes.push(raw) });
  return { stream, modes };
}

describe('password input', () => {
  it('asks on the terminal without echo, handles backspace, and restores the terminal', async () => {
    const { stream, modes } = fakeTerminal();
    const stderr = new BufferOutput(true);
    const answer = promptPassword(stream, stderr);
    stream.write('secrex\u007ft');
    stream.write(' words\r');
    await expect(answer).resolves.toBe('secret words');
    expect(stderr.text).toBe('Password: \n');
    expect(modes).toEqual([true, false]);
  });

  it('cancels on Ctrl-C with exit code 130', async () => {
    const { stream, modes } = fakeTerminal();
    const answer = promptPassword(stream, new BufferOutput(true));
    stream.write('abc\u0003');
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(130);
    expect(modes).toEqual([true, false]);
  });

  it('refuses to prompt without a terminal and points to --password-stdin', async () => {
    await expect(promptPassword(new PassThrough(), new BufferOutput())).rejects.toThrow(new UsageError('no terminal to ask for the password on: use --password-stdin'));
  });

  it('reads stdin whole, without its final line break', async () => {
    const stdin = new PassThrough();
    stdin.end('pass word with trailing space \r\n');
    expect(await readPasswordFromStdin(stdin)).toBe('pass word with trailing space ');
  });

  it('refuses an empty or oversized password on stdin', async () => {
    const empty = new PassThrough();
    empty.end('\n');
    await expect(readPasswordFromStdin(empty)).rejects.toThrow('the password on standard input is empty');
    const huge = new PassThrough();
    huge.end('x'.repeat(5000));
    await expect(readPasswordFromStdin(huge)).rejects.toThrow('longer than 4096 bytes');
  });
});
