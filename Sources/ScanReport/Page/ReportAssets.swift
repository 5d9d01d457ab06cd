/// The page's inline stylesheet and script. Nothing is loaded from elsewhere: system fonts only.
enum ReportAssets {
    static let stylesheet = """
        :root { --ink: #111; --muted: #555; --rule: #ccc; --accent: #0072B2; --alert: #D55E00; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
               margin: 0 auto; max-width: 1180px; padding: 1rem 1.5rem 3rem; line-height: 1.4; }
        h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
        h2 { border-bottom: 2px solid var(--accent); padding-bottom: 0.2rem; margin-top: 2.2rem; }
        h3 { margin-top: 1.6rem; }
        nav ul { columns: 2; padding-left: 1.2rem; }
        .muted { color: var(--muted); }
        .figures { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-size: 0.85rem; color: var(--muted); max-width: 560px; }
        svg.chart { max-width: 100%; height: auto; font-family: inherit; background: #fff; }
        dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.2rem; }
        dl.summary dt { font-weight: 600; }
        dl.summary dd { margin: 0; }
        .table-wrap { overflow-x: auto; }
        p.download { margin: -0.6rem 0 1rem; font-size: 0.8rem; }
        table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.88rem; }
        caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
        th, td { border: 1px solid var(--rule); padding: 0.25rem 0.5rem; vertical-align: top; overflow-wrap: anywhere; }
        td { min-width: 4em; }
        th { background: #eef4fa; text-align: left; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        th button { all: inherit; cursor: pointer; border: 0; padding: 0; }
        th button::after { content: " \\2195"; color: var(--muted); }
        th[aria-sort="ascending"] button::after { content: " \\2191"; }
        th[aria-sort="descending"] button::after { content: " \\2193"; }
        .flag { color: var(--alert); font-weight: 600; }
        .badge { display: inline-block; padding: 0 0.4rem; border-radius: 0.6rem; font-size: 0.8rem; border: 1px solid; white-space: nowrap; }
        .sev-error { color: #fff; background: var(--alert); border-color: var(--alert); }
        .sev-warning { color: #000; background: #E69F00; border-color: #E69F00; }
        .sev-info { color: #000; background: #fff; border-color: #999; }
        section.exam { border-top: 1px solid var(--rule); margin-top: 1.5rem; }
        code { font-size: 0.85em; word-break: break-all; }
        @media print {
          @page { size: A4; margin: 14mm 12mm; }
          body { max-width: none; padding: 0; font-size: 10pt; }
          nav, th button::after, p.download { display: none; }
          h2 { break-before: page; }
          #summary h2, #summary { break-before: auto; }
          figure, table, svg.chart { break-inside: avoid; }
          section.exam { break-before: page; }
          .table-wrap { overflow: visible; }
          a { color: inherit; text-decoration: none; }
        }
        """

    /// Progressive enhancement: sortable columns. The page is complete without it.
    static let script = """
        (function () {
          function key(cell, numeric) {
            if (!numeric) return cell.textContent.trim().toLowerCase();
            var v = cell.getAttribute('data-sort');
            return v === null || v === '' ? Infinity : parseFloat(v);
          }
          document.querySelectorAll('table.sortable').forEach(function (table) {
            var headers = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(headers, function (th, index) {
              var button = document.createElement('button');
              button.type = 'button';
              button.textContent = th.textContent;
              button.setAttribute('aria-label', 'Sort by ' + th.textContent);
              th.textContent = '';
              th.appendChild(button);
              button.addEventListener('click', function () {
                var numeric = th.getAttribute('data-type') === 'number';
                var ascending = th.getAttribute('aria-sort') !== 'ascending';
                Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
                th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
                  var order = x < y ? -1 : x > y ? 1 : 0;
                  return ascending ? order : -order;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              });
            });
          });
        })();
        """
}
