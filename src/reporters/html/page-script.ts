/**
 * The report's only script: it sorts and filters rows that are already in the page. It reads data
 * attributes and textContent and moves existing nodes; it never writes markup, so no input text can become
 * live. The Content-Security-Policy allows this exact script (by hash) and nothing else, no fetch included.
 */
export const PAGE_SCRIPT = `(() => {
  'use strict';
  const table = document.getElementById('findings-table');
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const count = document.getElementById('findings-count');
  const filters = Array.from(document.querySelectorAll('[data-filter]'));
  const search = document.getElementById('filter-text');

  function apply() {
    const text = search.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      let visible = filters.every((control) => control.value === '' || row.dataset[control.dataset.filter] === control.value);
      if (visible && text) visible = row.textContent.toLowerCase().includes(text);
      row.hidden = !visible;
      if (visible) shown++;
    }
    count.textContent = shown === rows.length ? 'Showing all ' + rows.length + ' findings' : 'Showing ' + shown + ' of ' + rows.length + ' findings';
  }

  for (const control of filters) control.addEventListener('change', apply);
  search.addEventListener('input', apply);

  const headers = Array.from(table.tHead.rows[0].cells);
  for (const header of headers) {
    const button = header.querySelector('button');
    if (!button) continue;
    button.addEventListener('click', () => {
      const key = header.dataset.key;
      const numeric = header.dataset.type === 'number';
      const next = header.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      header.setAttribute('aria-sort', next);
      const sign = next === 'ascending' ? 1 : -1;
      const valueOf = (row) => (numeric ? Number(row.dataset[key]) : row.dataset[key] || '');
      // The report's own order breaks ties, so a sort is the same every time.
      rows.sort((a, b) => {
        const x = valueOf(a);
        const y = valueOf(b);
        return (x < y ? -sign : x > y ? sign : 0) || Number(a.dataset.order) - Number(b.dataset.order);
      });
      body.append(...rows);
      const status = document.getElementById('sort-status');
      status.textContent = 'Sorted by ' + button.textContent.trim() + ', ' + next;
    });
  }
  apply();
})();
`;
