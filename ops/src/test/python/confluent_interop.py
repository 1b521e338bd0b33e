#!/usr/bin/python3
"""Talks to a schema registry and Kafka with Confluent's own Python client, for interop checks.

Run with Debian's python3 (packages python3-confluent-kafka and python3-requests, plus fastavro,
which Debian does not package). Prints one JSON object on stdout; exits non-zero on any failure.

  produce  registers the schema in --schema with AvroSerializer (auto-register, subject
           <topic>-value), writes each record of --records (a JSON list) to partition 0 of --topic,
           and reports the schema id, the framed bytes (hex) and what the registry says about the
           schema (lookup_schema, get_latest_version, get_schema).
  consume  reads --count records of --topic from the beginning of partition 0 and decodes them
           with AvroDeserializer (reader schema --schema if given, else the writer's), reporting
           each record as JSON with the schema id of its header.
"""
import argparse
import json
import struct
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

TIMEOUT_S = 30


def registry_client(args):
    conf = {"url": args.registry}
    if args.user is not None:
        conf["basic.auth.user.info"] = "%s:%s" % (args.user, args.password)
    return SchemaRegistryClient(conf)


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def schema_id_of(value):
    magic, schema_id = struct.unpack(">bI", value[:5])
    if magic != 0:
        raise ValueError("expected magic byte 0, found %d" % magic)
    return schema_id


def produce(args):
    client = registry_client(args)
    schema_str = read_text(args.schema)
    serializer = AvroSerializer(client, schema_str)
    context = SerializationContext(args.topic, MessageField.VALUE)
    with open(args.records, encoding="utf-8") as f:
        records = json.load(f)

    failures = []

    def on_delivery(error, message):
        if error is not None:
            failures.append(str(error))

    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all"})
    values = []
    for record in records:
        value = serializer(record, context)
        values.append(value)
        producer.produce(args.topic, key=record.get("id", "").encode("utf-8"), value=value, partition=0,
                         on_delivery=on_delivery)
    left = producer.flush(TIMEOUT_S)
    if left or failures:
        raise KafkaException("%d records not delivered: %s" % (left, failures))

    subject = "%s-value" % args.topic
    schema_id = schema_id_of(values[0])
    looked_up = client.lookup_schema(subject, Schema(schema_str, "AVRO"))
    latest = client.get_latest_version(subject)
    fetched = client.get_schema(schema_id)
    return {
        "schema_id": schema_id,
        "values_hex": [v.hex() for v in values],
        "lookup": {"subject": looked_up.subject, "version": looked_up.version, "id": looked_up.schema_id},
        "latest": {"subject": latest.subject, "version": latest.version, "id": latest.schema_id},
        "fetched_schema": json.loads(fetched.schema_str),
        "subjects": client.get_subjects(),
        "compatibility": client.get_compatibility(),
    }


def consume(args):
    client = registry_client(args)
    reader_schema = read_text(args.schema) if args.schema else None
    deserializer = AvroDeserializer(client, reader_schema)
    context = SerializationContext(args.topic, MessageField.VALUE)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "confluent-interop-%s" % args.topic,
        "enable.auto.commit": False,
    })
    consumer.assign([TopicPartition(args.topic, 0, OFFSET_BEGINNING)])
    records = []
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while len(records) < args.count:
            if time.monotonic() > deadline:
                raise TimeoutError("read %d of %d records of %s" % (len(records), args.count, args.topic))
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                raise KafkaException(message.error())
            value = message.value()
            records.append({"schema_id": schema_id_of(value), "value": deserializer(value, context)})
    finally:
        consumer.close()
    return {"records": records}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", required=True, help="schema registry base URL")
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--user", help="basic-auth user")
    parser.add_argument("--password", help="basic-auth password")
    commands = parser.add_subparsers(dest="command", required=True)
    produce_args = commands.add_parser("produce")
    produce_args.add_argument("--topic", required=True)
    produce_args.add_argument("--schema", required=True, help="path of an .avsc file")
    produce_args.add_argument("--records", required=True, help="path of a JSON list of records")
    consume_args = commands.add_parser("consume")
    consume_args.add_argument("--topic", required=True)
    consume_args.add_argument("--count", required=True, type=int)
    consume_args.add_argument("--schema", help="path of an .avsc file to read into (default: writer schema)")
    args = parser.parse_args()
    if (args.user is None) != (args.password is None):
        parser.error("--user and --password go together")

    result = produce(args) if args.command == "produce" else consume(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
