package ai.llamafactory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.FinetuningType;
import ai.llamafactory.api.config.PreferenceLoss;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** The fluent builder refuses contradicting calls at the call that contradicts, naming both calls. */
class FineTuneContradictionsTest {

    @Test
    void twoFinetuningMethodsAreRefusedWhereWritten() {
        FineTune run = FineTune.model("m").dataset("d").lora(8);
        assertThatThrownBy(() -> run.freeze(2))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".freeze(2) contradicts .lora(8): a run has one finetuning_type");
        assertThatThrownBy(() ->
                        FineTune.model("m").freeze(FreezeOptions.layers(-2)).lora())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(".lora() contradicts .freeze(FreezeOptions{layers=-2");
        // full() takes no options: a full() after lora(...) is refused by build(), naming both calls
        assertThatThrownBy(
                        () -> FineTune.model("m").dataset("d").lora(16).full().build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".full() contradicts .lora(16): a run has one finetuning_type");
    }

    @Test
    void choosingAgainTheSameKindReplaces() {
        assertThat(FineTune.model("m")
                        .dataset("d")
                        .lora(8)
                        .lora(16)
                        .build()
                        .finetuning()
                        .loraRank())
                .isEqualTo(16);
        assertThat(FineTune.model("m")
                        .dataset("d")
                        .freeze(2)
                        .freeze(-1)
                        .build()
                        .finetuning()
                        .freezeTrainableLayers())
                .isEqualTo(-1);
        assertThat(FineTune.model("m")
                        .dataset("d")
                        .full()
                        .full()
                        .build()
                        .finetuning()
                        .finetuningType())
                .isEqualTo(FinetuningType.FULL);
        assertThat(FineTune.model("m")
                        .dataset("d")
                        .sft()
                        .dpo()
                        .preferenceBeta(0.2)
                        .build()
                        .stage())
                .isEqualTo(Stage.DPO);
    }

    @Test
    void stageOptionsOnTheWrongStageAreRefusedWhereWritten() {
        assertThatThrownBy(() -> FineTune.model("m").dataset("d").sft().preferenceBeta(0.1))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".preferenceBeta(0.1) contradicts .sft(): preferenceBeta only applies to stage dpo, kto");
        assertThatThrownBy(() ->
                        FineTune.model("m").dataset("d").preferenceBeta(0.1).pt())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".pt() contradicts .preferenceBeta(0.1): preferenceBeta only applies to stage dpo, kto");
        assertThatThrownBy(() -> FineTune.model("m")
                        .dataset("d")
                        .dpo(PreferenceLoss.SIGMOID)
                        .rewardModel("rm"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".rewardModel(\"rm\") contradicts .dpo(PreferenceLoss.SIGMOID): rewardModel only applies "
                        + "to stage ppo");
        assertThatThrownBy(() -> FineTune.model("m").dataset("d").ppo("rm").sft())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".sft() contradicts .ppo(\"rm\"): rewardModel only applies to stage ppo");
        assertThatThrownBy(
                        () -> FineTune.model("m").dataset("d").stage(Stage.RM).refModel("ref"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".refModel(\"ref\") contradicts .stage(Stage.RM): refModel only applies to stage ppo, dpo, "
                        + "kto");
    }

    @Test
    void withoutAStageCallTheBuiltStageDecides() {
        assertThatThrownBy(() ->
                        FineTune.model("m").dataset("d").preferenceBeta(0.1).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(".preferenceBeta(0.1) contradicts stage sft (set by the file or method(...), sft by "
                        + "default): preferenceBeta only applies to stage dpo, kto");
        assertThat(FineTune.model("m")
                        .dataset("d")
                        .preferenceBeta(0.1)
                        .kto()
                        .build()
                        .finetuning()
                        .prefBeta())
                .isEqualTo(0.1);
        assertThat(FineTune.model("m")
                        .dataset("d")
                        .method(b -> b.stage(Stage.DPO))
                        .preferenceBeta(0.3)
                        .build()
                        .finetuning()
                        .prefBeta())
                .isEqualTo(0.3);
    }
}
