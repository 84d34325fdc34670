/**
 * How the CLI says that something went wrong: Chinese first, then English, like the API's
 * errors, and never a stack trace. Commander's own errors (an unknown command or option, a
 * missing argument) are translated; a busy port says which; the service's AppErrors carry both
 * languages already.
 */
import { CommanderError } from 'commander';
import { AppError } from '../base/errors.js';

const commanderZh: Record<string, (message: string) => string> = {
  'commander.unknownCommand': (m) => `未知命令${quoted(m)}。运行 jiebang --help 查看可用命令。`,
  'commander.unknownOption': (m) => `未知选项${quoted(m)}。运行 jiebang <命令> --help 查看可用选项。`,
  'commander.missingArgument': (m) => `缺少参数${quoted(m)}。`,
  'commander.optionMissingArgument': (m) => `选项${quoted(m)}缺少取值。`,
  'commander.missingMandatoryOptionValue': (m) => `缺少必填选项${quoted(m)}。`,
  'commander.excessArguments': () => '参数过多。',
  'commander.invalidArgument': () => '参数取值无效。',
};

/** The first quoted name in a commander message ('foo'), as Chinese quotes. */
function quoted(message: string): string {
  const name = /'([^']+)'/.exec(message)?.[1];
  return name ? `「${name}」` : '';
}

/** Lines to print for an error, or null when there is nothing to say (help, version). */
export function describeCliError(err: unknown): string | null {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return null;
    const english = err.message.replace(/^error: /, '');
    const zh = commanderZh[err.code]?.(english) ?? '命令行有误。';
    return `错误：${zh}\nError: ${english}`;
  }
  if (err instanceof AppError) return `错误：${err.messageZh}\nError: ${err.message}`;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'EADDRINUSE') {
    const where = /address already in use (\S+)/.exec(message)?.[1] ?? '';
    return `错误：端口已被占用（${where}），请换一个 PORT 或先停止占用它的进程。\nError: the port is already in use (${where}): choose another PORT or stop what holds it.`;
  }
  if (code === 'EACCES') return `错误：没有权限：${message}\nError: permission denied: ${message}`;
  if (message.startsWith('Invalid configuration')) return `错误：环境变量配置有误（见下）。\nError: ${message}`;
  return `错误：${message}\nError: ${message}`;
}
