package ai.llamafactory.core.predict;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.TrainBeginEvent;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.Trainer;
import ai.llamafactory.api.spi.TrainerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs configurations that only predict ({@code stage: sft}, {@code do_train: false}, {@code do_predict: true},
 * {@code predict_with_generate: true}, as LLaMA-Factory's {@code examples/extras/nlg_eval/*_predict.yaml}) with the
 * {@link Predictor}, so that {@code llamafactory train predict.yaml} and {@code FineTune.run()} work for them. It is
 * preferred over the training loop for such configurations (priority 10); runs that train and predict are handled by
 * the trainer, which predicts after training.
 */
public final class PredictOnlyTrainerProvider implements TrainerProvider {
    /** Creates the provider; cheap, loads nothing. */
    public PredictOnlyTrainerProvider() {}

    @Override
    public String name() {
        return "djl-sft-predict";
    }

    @Override
    public boolean supports(FineTuneConfig config) {
        return config.stage() == Stage.SFT
                && !config.training().doTrain()
                && config.training().doPredict()
                && config.training().predictWithGenerate();
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Trainer create() {
        return PredictOnlyTrainerProvider::predict;
    }

    private static TrainingResult predict(
            FineTuneConfig config, TrainingListeners listeners, CancellationToken cancellation) {
        long start = System.nanoTime();
        Path outputDir = config.training().outputDir();
        try {
            Files.createDirectories(outputDir);
            config.writeYaml(outputDir.resolve("training_args.yaml"));
        } catch (IOException e) {
            throw new CheckpointException("cannot create output_dir " + outputDir + ": " + e.getMessage(), e);
        }
        listeners.onTrainBegin(new TrainBeginEvent(0, 0, 0, 0, 0, outputDir));
        TrainingResult.Builder result = TrainingResult.builder(outputDir);
        List<Path> files = new ArrayList<>();
        files.add(outputDir.resolve("training_args.yaml"));
        try {
            PredictionResult p = Predictor.run(config, cancellation);
            files.addAll(p.files());
            Map<String, Double> metrics = new LinkedHashMap<>();
            p.metrics().forEach((k, v) -> {
                if (v instanceof Number n) {
                    metrics.put(k, n.doubleValue());
                }
            });
            result.metrics(metrics).stopReason(TrainingResult.StopReason.COMPLETED);
        } catch (ChatCancelledException e) {
            result.stopReason(TrainingResult.StopReason.CANCELLED);
        }
        TrainingResult r = result.writtenFiles(files)
                .duration(Duration.ofNanos(System.nanoTime() - start))
                .build();
        listeners.onTrainEnd(r);
        return r;
    }
}
