import { rewriteHtml, rewriteLink } from './proxy-links';

const ctx = { pathPrepend: '/api/v1/namespaces/ns/services/web:http/proxy', backendHost: '10.0.0.7:8080', requestHost: 'localhost:8001' };

describe('proxied links', () => {
  test.each([
    ['/style.css', '/api/v1/namespaces/ns/services/web:http/proxy/style.css'],
    ['/', '/api/v1/namespaces/ns/services/web:http/proxy/'],
    ['/a/b?x=1&amp;y=2#top', '/api/v1/namespaces/ns/services/web:http/proxy/a/b?x=1&amp;y=2#top'],
    ['http://10.0.0.7:8080/login', '/api/v1/namespaces/ns/services/web:http/proxy/login'],
    ['https://localhost:8001', '/api/v1/namespaces/ns/services/web:http/proxy/'],
    ['/api/v1/namespaces/ns/services/web:http/proxy/x', '/api/v1/namespaces/ns/services/web:http/proxy/x'],
    ['style.css', 'style.css'],
    ['../up', '../up'],
    ['https://cdn.example.com/lib.js', 'https://cdn.example.com/lib.js'],
    ['//cdn.example.com/lib.js', '//cdn.example.com/lib.js'],
    ['mailto:a@b.c', 'mailto:a@b.c'],
    ['#frag', '#frag'],
  ])('%s → %s', (link, want) => expect(rewriteLink(link, ctx)).toBe(want));

  test('rewrites the URL attributes of real tags only, keeping everything else byte for byte', () => {
    const page = [
      '<!DOCTYPE html><html><head><link rel="stylesheet" href="/s.css"><script src=\'/app.js\'></script>',
      '<script>var t = "<a href=\\"/not-a-tag\\">";</script></head>',
      '<body><a class="x" HREF=/home title="/title">home</a> <img src="logo.png" longdesc="/d.html">',
      '<form action="/submit" method=post></form><p data-src="/kept">/text</p></body></html>',
    ].join('\n');
    const p = '/api/v1/namespaces/ns/services/web:http/proxy';
    expect(rewriteHtml(page, ctx)).toBe([
      `<!DOCTYPE html><html><head><link rel="stylesheet" href="${p}/s.css"><script src='${p}/app.js'></script>`,
      '<script>var t = "<a href=\\"/not-a-tag\\">";</script></head>',
      `<body><a class="x" HREF=${p}/home title="/title">home</a> <img src="logo.png" longdesc="${p}/d.html">`,
      `<form action="${p}/submit" method=post></form><p data-src="/kept">/text</p></body></html>`,
    ].join('\n'));
  });
});
