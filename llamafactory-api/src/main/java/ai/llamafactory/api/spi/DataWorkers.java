package ai.llamafactory.api.spi;

import ai.llamafactory.api.exception.DatasetException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds {@link DataWorker} implementations on the classpath with {@link ServiceLoader}. */
public final class DataWorkers {
    private DataWorkers() {
    }

    /**
     * @param classLoader where to look
     * @return every worker registered in {@code META-INF/services/ai.llamafactory.api.spi.DataWorker}
     * @throws DatasetException when a registered worker cannot be instantiated
     */
    public static List<DataWorker> discover(ClassLoader classLoader) {
        List<DataWorker> workers = new ArrayList<>();
        try {
            for (DataWorker w : ServiceLoader.load(DataWorker.class, classLoader)) {
                workers.add(w);
            }
        } catch (ServiceConfigurationError e) {
            throw new DatasetException("cannot load a " + DataWorker.class.getName()
                    + " implementation listed in META-INF/services: " + e.getMessage(), e);
        }
        return workers;
    }

    /**
     * @param classLoader where to look
     * @return the registered worker with the highest priority (ties go to the first found)
     * @throws DatasetException when none is registered
     */
    public static DataWorker load(ClassLoader classLoader) {
        return discover(classLoader).stream()
                .max(Comparator.comparingInt(DataWorker::priority))
                .orElseThrow(() -> new DatasetException("no data worker on the classpath: no "
                        + DataWorker.class.getName() + " is registered with java.util.ServiceLoader. Add the "
                        + "ai.llamafactory:llamafactory-data dependency."));
    }

    /**
     * @return the registered worker with the highest priority, looked up with this class's class loader
     * @throws DatasetException when none is registered
     */
    public static DataWorker load() {
        return load(DataWorkers.class.getClassLoader());
    }
}
