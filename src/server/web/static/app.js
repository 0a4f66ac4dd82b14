// factledger desk: the page's one script. It only adds to what the server rendered:
// the as-of slider's number, and live updates from the server's event stream (/live):
// a colleague's new claim appears on its subject's page and at the top of the log, and a new
// verdict on a claim appears in that claim's verdict history.
// Everything from the ledger is inserted as text (textContent), never as HTML.
(function () {
  'use strict';

  var range = document.getElementById('as_of');
  var out = document.getElementById('as_of_out');
  if (range && out) {
    range.addEventListener('input', function () { out.textContent = range.value; });
  }

  var body = document.body;
  var kind = body.getAttribute('data-live');
  if (!kind || !window.EventSource) { return; }
  var want = body.getAttribute('data-live-value');
  var status = document.getElementById('live-status');

  function say(text) { if (status) { status.textContent = text; } }

  function link(href, text) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  var labels = ['Claim', 'What', 'Value', 'Claimant', 'Source', 'Status'];

  function cell(row, content) {
    var td = document.createElement('td');
    td.setAttribute('data-label', labels[row.children.length] || '');
    if (typeof content === 'string') { td.textContent = content; } else if (content) { td.appendChild(content); }
    row.appendChild(td);
    return td;
  }

  function valueText(e) {
    var v = e.value;
    if (typeof v === 'string') {
      return e.as_written && e.as_written !== v ? v + " ('" + e.as_written + "')" : v;
    }
    if (typeof v === 'number') { return String(v); }
    if (v && typeof v === 'object' && v.speaker && v.text) { return v.speaker + ': \u201c' + v.text + '\u201d'; }
    return JSON.stringify(v);
  }

  function claimRow(e) {
    var table = document.getElementById('claims');
    if (!table || !table.tBodies[0]) { return; }
    var tr = document.createElement('tr');
    tr.className = 'new';
    tr.setAttribute('data-claim', e.id);
    cell(tr, link('/claims/' + encodeURIComponent(e.id), e.id));
    cell(tr, e.predicate);
    cell(tr, valueText(e));
    cell(tr, e.claimant || '');
    cell(tr, link('/sources/' + encodeURIComponent(e.source), e.source));
    cell(tr, 'live (new, by ' + e.author + ')');
    table.tBodies[0].appendChild(tr);
    say('New claim ' + e.id + ' by ' + e.author + '.');
  }

  function verdictItem(e) {
    var section = document.getElementById('verdicts');
    if (!section) { return; }
    var list = section.querySelector('ol.verdicts');
    if (!list) {
      list = document.createElement('ol');
      list.className = 'verdicts';
      var heading = section.querySelector('h2');
      section.insertBefore(list, heading ? heading.nextSibling : section.firstChild);
    }
    var li = document.createElement('li');
    li.className = 'new';
    li.setAttribute('data-seq', String(e.seq));
    var what = document.createElement('p');
    var rating = document.createElement('strong');
    rating.textContent = e.rating;
    what.appendChild(rating);
    what.appendChild(document.createTextNode(' on scale ' + e.scale + ' \u2014 new, by ' +
      (e.organisation || e.author) + ' (reload for the current verdict)'));
    li.appendChild(what);
    var why = document.createElement('p');
    why.textContent = e.explanation;
    li.appendChild(why);
    list.insertBefore(li, list.firstChild);
    say('New verdict on ' + e.claim + ' by ' + e.author + '.');
  }

  function timelineItem(e) {
    var list = document.getElementById('timeline');
    if (!list) { return; }
    var li = document.createElement('li');
    li.className = 'new';
    li.setAttribute('data-seq', String(e.seq));
    var when = document.createElement('p');
    when.textContent = e.recorded_at + ' \u00b7 ' + e.author + ' (new)';
    li.appendChild(when);
    var what = document.createElement('p');
    if (e.type === 'claim') {
      what.appendChild(document.createTextNode('Claim '));
      what.appendChild(link('/claims/' + encodeURIComponent(e.id), e.id));
      what.appendChild(document.createTextNode(': '));
      what.appendChild(link('/subject?name=' + encodeURIComponent(e.subject), e.subject));
      what.appendChild(document.createTextNode(' \u2014 ' + e.predicate + ' = ' + valueText(e)));
    } else if (e.type === 'review') {
      what.appendChild(document.createTextNode('Verdict on '));
      what.appendChild(link('/claims/' + encodeURIComponent(e.claim), e.claim));
      what.appendChild(document.createTextNode(': ' + e.rating + ' (' + e.scale + ')'));
    } else if (e.type === 'source') {
      what.appendChild(document.createTextNode('Source '));
      what.appendChild(link('/sources/' + encodeURIComponent(e.id), e.id));
      what.appendChild(document.createTextNode(' archived' + (e.title ? ': \u201c' + e.title + '\u201d' : '')));
    } else {
      what.textContent = 'Event ' + e.seq + ': ' + e.event + (e.id ? ' ' + e.id : '');
    }
    li.appendChild(what);
    list.insertBefore(li, list.firstChild);
    say('New event ' + e.seq + ' by ' + e.author + '.');
  }

  var source = new EventSource('/live');
  source.addEventListener('open', function () {
    body.setAttribute('data-live-ready', 'yes');
    say('Live: what colleagues add appears here without a reload.');
  });
  source.addEventListener('error', function () {
    say('Live updates paused; the page retries on its own.');
  });
  source.addEventListener('lagged', function () {
    say('Some updates were missed; reload the page to catch up.');
  });
  source.addEventListener('append', function (m) {
    var e;
    try { e = JSON.parse(m.data); } catch (x) { return; }
    if (kind === 'subject' && e.type === 'claim' && e.subject === want) { claimRow(e); }
    if (kind === 'claim' && e.type === 'review' && e.claim === want) { verdictItem(e); }
    if (kind === 'log') { timelineItem(e); }
  });
}());
