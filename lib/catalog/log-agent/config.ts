/** Config of the log agent: Fluent Bit on every node, tailing the containers' log files. */
export interface LogAgentConfig {
  /**
   * Container image, pinned by tag: Fluent Bit's distroless production image.
   * @default 'fluent/fluent-bit:3.2.2'
   */
  readonly image?: string;
  /**
   * Files to tail, a glob under /var/log (the kubelet's container logs, CRI format).
   * @default '/var/log/containers/*.log'
   * @pattern ^/var/log/
   */
  readonly path?: string;
  /**
   * Send the records to a Fluentd or Fluent Bit aggregator with the forward protocol; without it the agent prints
   * them to its own stdout (`kubectl logs`), which is only useful to try it out.
   * @default print to stdout
   */
  readonly forward?: {
    /** Host name of the aggregator, e.g. 'fluentd.logging.svc'. */
    readonly host: string;
    /**
     * Port of the aggregator.
     * @default 24224
     * @integer
     * @minimum 1
     * @maximum 65535
     */
    readonly port?: number;
    /**
     * Connect with TLS.
     * @default false
     */
    readonly tls?: boolean;
  };
  /**
   * Memory the tail input may buffer before it pauses (`mem_buf_limit`), e.g. '50MB'.
   * @default '50MB'
   * @pattern ^[0-9]+[KMG]?B?$
   */
  readonly bufferLimit?: string;
  /** CPU and memory per node. */
  readonly resources?: {
    /**
     * CPU request; no CPU limit.
     * @default '50m'
     */
    readonly cpu?: string;
    /**
     * Memory request and limit; keep it above `bufferLimit`.
     * @default '128Mi'
     */
    readonly memory?: string;
  };
}
