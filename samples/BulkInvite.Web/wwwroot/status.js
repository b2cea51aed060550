// Shows the chosen file's name, and keeps the status box up to date while the import runs.
(function () {
    const input = document.getElementById('file');
    const name = document.getElementById('file-name');
    if (input && name) {
        input.addEventListener('change', () => { name.textContent = input.files.length ? input.files[0].name : 'No file chosen'; });
    }

    const box = document.getElementById('import-status');
    if (!box || box.dataset.finished === 'true') {
        return;
    }

    const format = new Intl.NumberFormat('en-US');
    const url = `/imports/${box.dataset.import}/status`;
    async function poll() {
        let view;
        try {
            const response = await fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
            if (!response.ok) { setTimeout(poll, 2000); return; }
            view = await response.json();
        } catch {
            setTimeout(poll, 2000);
            return;
        }

        document.getElementById('status-text').textContent = view.statusText;
        document.getElementById('status-stage').textContent = view.stageText ? `· ${view.stageText}` : '';
        document.getElementById('status-read').textContent = format.format(view.entriesRead);
        document.getElementById('status-instance').textContent = view.runningOn ? `· on ${view.runningOn}` : '';
        for (const cell of box.querySelectorAll('td[data-outcome]')) {
            const key = cell.dataset.outcome.charAt(0).toLowerCase() + cell.dataset.outcome.slice(1);
            cell.textContent = format.format(view.counts[key] ?? 0);
        }

        if (view.hasReport) {
            document.getElementById('view-details').classList.remove('hidden');
        }

        if (view.error) {
            let error = document.getElementById('status-error');
            if (!error) {
                error = document.createElement('p');
                error.id = 'status-error';
                error.className = 'error';
                error.setAttribute('role', 'alert');
                box.querySelector('table').before(error);
            }
            error.textContent = view.error;
        }

        if (view.finished) {
            box.dataset.finished = 'true';
            box.classList.replace('running', 'finished');
        } else {
            setTimeout(poll, 1000);
        }
    }

    setTimeout(poll, 500);
})();
