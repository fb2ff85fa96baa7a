package io.microservicestack.common;

/**
 * The default HTTP port of each service, the original project's: the one place they are written, used by each
 * service's own port setting and by the gateway's upstream settings.
 */
public final class ServicePorts {

  public static final int GATEWAY = 8100;
  public static final int USER = 8101;
  public static final int SLACK = 8102;
  public static final int USER_QUEUE = 8103;

  private ServicePorts() {
  }
}
