package ai.llamafactory.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.core.engine.DjlEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One AdamW step on the PEFT adapters of the conformance data equals torch.optim.AdamW (lr 1e-2, betas 0.9/0.999,
 * eps 1e-8, weight decay 0.01) within 1e-6, one case per folder under {@code adapters/}.
 */
class AdamWConformanceTest {
    private static final double TOLERANCE = 1e-6;
    private static final String MISSING = "missing: ";

    /** @return the adapter folders, or a single marker naming the missing folder (the case then skips) */
    static Stream<String> adapterFolders() throws IOException {
        Path adapters = OptimTestSupport.conformanceRoot().resolve("adapters");
        if (!Files.isDirectory(adapters)) {
            return Stream.of(MISSING + adapters);
        }
        List<String> folders;
        try (Stream<Path> s = Files.list(adapters)) {
            folders = s.filter(p -> Files.isRegularFile(p.resolve("adapter_model.safetensors"))
                    && Files.isRegularFile(p.resolve("golden.safetensors")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
        return folders.isEmpty() ? Stream.of(MISSING + adapters + " (no folder with golden data)") : folders.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adapterFolders")
    void oneStepMatchesTorchAdamW(String folder) throws IOException {
        if (folder.startsWith(MISSING)) {
            String reason = "conformance data not found: " + folder.substring(MISSING.length()) + "; set -D"
                    + OptimTestSupport.CONFORMANCE_PROPERTY + "=DIR to run the AdamW conformance cases";
            System.out.println("SKIPPED AdamWConformanceTest: " + reason);
            Assumptions.abort(reason);
        }
        check(OptimTestSupport.conformanceRoot().resolve("adapters").resolve(folder));
    }

    /** PEFT's in-memory name of an adapter tensor: {@code ...lora_A.weight -> ...lora_A.default.weight}. */
    private static String peftName(String savedName) {
        int dot = savedName.lastIndexOf('.');
        return savedName.substring(0, dot) + ".default" + savedName.substring(dot);
    }

    private static void check(Path dir) throws IOException {
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            NDList adapter = NDList.decode(manager, Files.readAllBytes(dir.resolve("adapter_model.safetensors")));
            NDList golden = NDList.decode(manager, Files.readAllBytes(dir.resolve("golden.safetensors")));
            Map<String, NDArray> goldenByName = new LinkedHashMap<>();
            golden.forEach(a -> goldenByName.put(a.getName(), a));

            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (NDArray a : adapter) {
                String name = a.getName();
                NDArray g = goldenByName.get("grad." + peftName(name));
                assertThat(g).as("golden gradient of %s in %s", name, dir).isNotNull();
                a.setRequiresGradient(true);
                params.put(name, a);
                grads.put(name, g);
            }
            assertThat(params).isNotEmpty();
            OptimTestSupport.setGradients(manager, params, grads);

            ParamGroup all = ParamGroup.builder("all").params(params).weightDecay(0.01).build();
            try (AdamW adamW = new AdamW(List.of(all), AdamWConfig.builder().beta1(0.9).beta2(0.999)
                    .epsilon(1e-8).build())) {
                adamW.step(1e-2);
                for (String name : params.keySet()) {
                    assertThat(adamW.stepCount(name)).isEqualTo(1);
                }
            }
            double worst = 0;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray expected = goldenByName.get("after_adamw." + peftName(e.getKey()));
                assertThat(expected).as("golden after_adamw of %s", e.getKey()).isNotNull();
                double diff = OptimTestSupport.maxAbsDiff(e.getValue(), expected);
                assertThat(diff).as("max |java - torch| of %s", e.getKey()).isLessThanOrEqualTo(TOLERANCE);
                worst = Math.max(worst, diff);
                try (NDArray g = JniUtils.getGradient((PtNDArray) e.getValue())) {
                    assertThat(g.abs().max().getFloat()).as("gradient of %s zeroed", e.getKey()).isZero();
                }
            }
            System.out.printf("AdamW conformance %s: %d tensors, max |java - torch| = %.3g%n", dir.getFileName(),
                    params.size(), worst);
        }
    }
}
