/* Fixture: a sink interface that would hand raw addresses to sinks. */
typedef struct vmir_sink_ops {
  int (*scalar)(struct vmir_sink *sink, const void *field_address);
  int (*end)(struct vmir_sink *sink);
} vmir_sink_ops;
