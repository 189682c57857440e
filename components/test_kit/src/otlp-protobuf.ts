import type { ReceivedSpan } from './otlp-receiver.ts';

/** One field of a protobuf message: its number, and its varint or fixed value or its bytes. */
interface Field {
  no: number;
  value: bigint | Buffer;
}

/** The fields of one protobuf message, in order (the wire format; no schema needed). */
function fieldsOf(buffer: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++];
      if (byte === undefined) throw new RangeError('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ no, value: varint() });
    else if (wire === 1) {
      fields.push({ no, value: buffer.readBigUInt64LE(at) });
      at += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      fields.push({ no, value: buffer.subarray(at, at + length) });
      at += length;
    } else if (wire === 5) {
      fields.push({ no, value: BigInt(buffer.readUInt32LE(at)) });
      at += 4;
    } else throw new RangeError(`unsupported wire type ${wire}`);
  }
  return fields;
}

const bytes = (fields: Field[], no: number): Buffer[] =>
  fields.filter((f) => f.no === no && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);
const first = (fields: Field[], no: number): Buffer | undefined => bytes(fields, no)[0];
const number = (fields: Field[], no: number): bigint =>
  (fields.find((f) => f.no === no && typeof f.value === 'bigint')?.value as bigint | undefined) ?? 0n;

/** KeyValue { key = 1; AnyValue value = 2 }, AnyValue { string 1, bool 2, int64 3, double 4 }. */
function attributesOf(list: Buffer[]): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const entry of list) {
    const kv = fieldsOf(entry);
    const key = first(kv, 1)?.toString('utf8') ?? '';
    const any = fieldsOf(first(kv, 2) ?? Buffer.alloc(0));
    const [field] = any;
    if (!field) continue;
    if (field.no === 1 && Buffer.isBuffer(field.value)) attributes[key] = field.value.toString('utf8');
    else if (field.no === 2) attributes[key] = field.value === 1n;
    else if (field.no === 3) attributes[key] = Number(BigInt.asIntN(64, field.value as bigint));
    else if (field.no === 4 && typeof field.value === 'bigint') {
      const double = Buffer.alloc(8);
      double.writeBigUInt64LE(field.value);
      attributes[key] = double.readDoubleLE();
    }
  }
  return attributes;
}

const hex = (buffer: Buffer | undefined) =>
  buffer && buffer.length > 0 ? buffer.toString('hex') : undefined;

/**
 * The spans of an OTLP ExportTraceServiceRequest in protobuf: resource_spans (1) → resource (1)
 * and scope_spans (2) → spans (2), with the fields of a Span the tests read.
 */
export function decodeProtobufSpans(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of bytes(fieldsOf(body), 1)) {
    const rs = fieldsOf(resourceSpans);
    const resource = attributesOf(bytes(fieldsOf(first(rs, 1) ?? Buffer.alloc(0)), 1));
    for (const scopeSpans of bytes(rs, 2)) {
      for (const encoded of bytes(fieldsOf(scopeSpans), 2)) {
        const span = fieldsOf(encoded);
        spans.push({
          service: String(resource['service.name'] ?? ''),
          traceId: hex(first(span, 1)) ?? '',
          spanId: hex(first(span, 2)) ?? '',
          parentSpanId: hex(first(span, 4)),
          name: first(span, 5)?.toString('utf8') ?? '',
          kind: Number(number(span, 6)),
          startNs: number(span, 7),
          endNs: number(span, 8),
          attributes: attributesOf(bytes(span, 9)),
          links: bytes(span, 13).map((link) => {
            const l = fieldsOf(link);
            return { traceId: hex(first(l, 1)) ?? '', spanId: hex(first(l, 2)) ?? '' };
          }),
          failed: Number(number(fieldsOf(first(span, 15) ?? Buffer.alloc(0)), 3)) === 2,
          protocol: 'http/protobuf',
        });
      }
    }
  }
  return spans;
}
