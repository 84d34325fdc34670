/**
 * The numbers behind a chart as a CSV file to download: Chinese headers, UTF-8 with a byte-order
 * mark so Excel opens it in Chinese, fields quoted where they must be (RFC 4180).
 */
const quoted = (cell: string | number) => {
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function csvText(headers: string[], rows: (string | number)[][]): string {
  return `\uFEFF${[headers, ...rows].map((r) => r.map(quoted).join(',')).join('\r\n')}\r\n`;
}

export function downloadCsv(filename: string, headers: string[], rows: (string | number)[][]): void {
  const url = URL.createObjectURL(new Blob([csvText(headers, rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
