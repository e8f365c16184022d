// A minimal SPDY/3.1 implementation for the streaming subresources (exec, attach, port-forward)
// of kubectl ≤1.29 and of the WebSocket-tunnelled port-forward of kubectl ≥1.31.
export { headerDictionary } from './dictionary';
export {
  decodeHeaderBlock, encodeFrame, encodeHeaderBlock, flagFin, FrameReader, rstStatus, SpdyProtocolError,
  type Frame, type Headers,
} from './frames';
export { HeaderCompressor, HeaderDecompressor } from './header-codec';
export { SpdySession, SpdyStream, type SessionOptions, type SpdyTransport } from './session';
