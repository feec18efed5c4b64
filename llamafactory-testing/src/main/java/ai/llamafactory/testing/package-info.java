/**
 * Test support shared by the modules' tests (depended on with {@code <scope>test</scope>} only):
 * {@link ai.llamafactory.testing.Conformance} locates and reads the reference data in the repository's
 * {@code conformance/} folder and fails, naming the missing file, when it is not there;
 * {@link ai.llamafactory.testing.TinyRun} builds tiny model folders and datasets from it;
 * {@link ai.llamafactory.testing.TensorAssertions} measures and bounds numeric differences;
 * {@link ai.llamafactory.testing.Benchmarks} holds what the benchmarks of several modules measure.
 * This module depends on no other module of the project, so data's and core's tests can use it too.
 */
package ai.llamafactory.testing;
