/**
 * CSV files to download (the numbers behind a chart, the time machine's history): Chinese
 * headers, UTF-8 with a byte-order mark so Excel opens it in Chinese, fields quoted where they
 * must be (RFC 4180); a cell that is not text is written as its JSON, an absent one as nothing.
 */
const quoted = (value: unknown) => {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function csvText(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[headers, ...rows].map((r) => r.map(quoted).join(',')).join('\r\n')}\r\n`;
}

/** Saves text as a file through the browser's download. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const downloadCsv = (filename: string, headers: readonly string[], rows: readonly (readonly unknown[])[]) =>
  download(filename, csvText(headers, rows), 'text/csv;charset=utf-8');
