/**
 * Engine start-up and the device/precision policy: the single place that decides where tensors live and in which
 * dtype they are computed.
 */
package ai.llamafactory.core.engine;
