/** Config of nginx: a web server or reverse proxy with several replicas behind one Service. */
export interface NginxConfig {
  /**
   * Container image, pinned by tag: NGINX's unprivileged image (uid 101, listens on 8080).
   * @default 'nginxinc/nginx-unprivileged:1.27.3'
   */
  readonly image?: string;
  /**
   * Number of pods. With two or more, a PodDisruptionBudget keeps all but one up during node drains.
   * @default 2
   * @integer
   * @minimum 1
   */
  readonly replicas?: number;
  /**
   * Pass every request to this URL (`proxy_pass`), e.g. 'http://api:8080'; without it nginx serves the image's
   * static files from /usr/share/nginx/html.
   * @default serve static files
   * @format uri
   */
  readonly upstream?: string;
  /**
   * Largest request body accepted (`client_max_body_size`), e.g. '10m'.
   * @default '1m'
   * @pattern ^[0-9]+[kKmMgG]?$
   */
  readonly maxBodySize?: string;
  /**
   * Port of the Service.
   * @default 80
   * @integer
   * @minimum 1
   * @maximum 65535
   */
  readonly servicePort?: number;
  /**
   * Host name of an Ingress in front of the Service, e.g. 'www.example.com'.
   * @default no Ingress
   */
  readonly host?: string;
  /**
   * Secret with the TLS certificate for `host`, created out of band.
   * @default no TLS
   */
  readonly tlsSecret?: string;
  /** CPU and memory per pod. */
  readonly resources?: {
    /**
     * CPU request; no CPU limit.
     * @default '100m'
     */
    readonly cpu?: string;
    /**
     * Memory request and limit.
     * @default '128Mi'
     */
    readonly memory?: string;
  };
}
