/**
 * Contract tests of the data module's service provider interface, for any implementation to run: abstract JUnit 5
 * classes ({@link ai.llamafactory.data.contract.DataWorkerContract}) and the run against the default implementation.
 * Published in the module's test jar (classifier {@code tests}), which holds only this package.
 */
package ai.llamafactory.data.contract;
