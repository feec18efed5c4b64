package ai.llamafactory.api.config;

/**
 * Where weights are merged during export, the {@code export_device} key.
 */
public enum ExportDevice {
    /** Merge on the CPU. */
    CPU,
    /** Merge on the accelerator when one is available. */
    AUTO;

    /** @return the spelling used in configuration files, e.g. {@code cpu} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code cpu} (case-insensitive).
     *
     * @param key the value of {@code export_device}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static ExportDevice fromKey(String key) {
        return EnumKeys.parse(ExportDevice.class, ExportDevice::key, "export_device", key);
    }
}
