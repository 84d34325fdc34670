/**
 * A real SMTP server in the test process (the `smtp-server` package): accepts every message
 * without TLS or login and keeps it, parsed by `mailparser`.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  /** Addresses the server refuses (550) while listed here. */
  refused: Set<string>;
  /** How long the server holds its answer to a message it has already kept (a slow server). */
  answerAfterMs: number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const refused = new Set<string>();
  let sink: SmtpSink | undefined;
  const server = new SMTPServer({
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) {
        const error = Object.assign(new Error('no such mailbox'), { responseCode: 550 });
        callback(error);
      } else callback();
    },
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          setTimeout(callback, sink?.answerAfterMs ?? 0);
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  sink = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    answerAfterMs: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return sink;
}
