// Links in proxied HTML (upstream's proxy Transport, apimachinery/pkg/util/proxy/transport.go): a
// page served through /…/services/web/proxy/ that links to /style.css means the backend's own
// /style.css, so such links, and redirects, are rewritten to go through the same proxy path.
// Relative links and links to other hosts already work and are left alone. The page is parsed
// (htmlparser2) only to find real tags, so text that looks like a tag inside a script is not
// touched; each rewrite replaces just the attribute's value in the original bytes.
import { Parser } from 'htmlparser2';

/** The attributes of each tag that hold a URL (upstream's atomsToAttrs). */
const urlAttributes: Record<string, string[]> = {
  a: ['href'], applet: ['codebase'], area: ['href'], audio: ['src'], base: ['href'], blockquote: ['cite'], body: ['background'],
  button: ['formaction'], command: ['icon'], del: ['cite'], embed: ['src'], form: ['action'], frame: ['longdesc', 'src'], head: ['profile'],
  html: ['manifest'], iframe: ['longdesc', 'src'], img: ['longdesc', 'src', 'usemap'], input: ['src', 'usemap', 'formaction'], ins: ['cite'],
  link: ['href'], object: ['classid', 'codebase', 'data', 'usemap'], q: ['cite'], script: ['src'], source: ['src'], video: ['poster', 'src'],
};

export interface LinkContext {
  /** The proxy path the page was served under: `/api/v1/namespaces/ns/services/web:http/proxy`. */
  pathPrepend: string;
  /** The backend's host:port, and the Host the client asked the apiserver for: links to either are the same host. */
  backendHost: string;
  requestHost: string;
}

/**
 * rewriteURL: an absolute path, or a full URL to the backend's (or the request's) host, goes
 * under the proxy path; anything else (relative, another host, already prefixed) stays. The
 * result is an absolute path, which a browser resolves against whatever host it used.
 */
export const rewriteLink = (link: string, ctx: LinkContext): string => {
  const full = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?\/\/([^/?#]*)(.*)$/.exec(link);
  let rest: string;
  if (full) {
    if (full[1] !== ctx.backendHost && full[1] !== ctx.requestHost) return link;
    rest = full[2] || '/';
  } else if (link.startsWith('/')) {
    rest = link;
  } else {
    return link;
  }
  if (rest === ctx.pathPrepend || rest.startsWith(`${ctx.pathPrepend}/`)) return rest;
  return `${ctx.pathPrepend}${rest.startsWith('/') ? '' : '/'}${rest}`;
};

const attributeValue = (names: string[]) =>
  new RegExp(`(\\s(?:${names.join('|')})\\s*=\\s*)(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'gi');

/** The page with every URL attribute of upstream's list rewritten by `rewriteLink`. */
export const rewriteHtml = (html: string, ctx: LinkContext): string => {
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const parser = new Parser({
    onopentag(name) {
      const attrs = urlAttributes[name];
      if (!attrs) return;
      const start = parser.startIndex;
      const tag = html.slice(start, parser.endIndex + 1);
      const rewritten = tag.replace(attributeValue(attrs), (_m, lead: string, dq?: string, sq?: string, bare?: string) => {
        const value = dq ?? sq ?? bare ?? '';
        const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
        return `${lead}${quote}${rewriteLink(value, ctx)}${quote}`;
      });
      if (rewritten !== tag) edits.push({ start, end: parser.endIndex + 1, text: rewritten });
    },
  }, { decodeEntities: false });
  parser.end(html);
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += html.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + html.slice(at);
};
