/**
 * What a running job reports and how it is stopped: {@link ai.llamafactory.api.run.TrainingListener} receives a
 * training's events ({@link ai.llamafactory.api.run.TrainBeginEvent}, {@link ai.llamafactory.api.run.StepEvent},
 * {@link ai.llamafactory.api.run.LogEvent}, {@link ai.llamafactory.api.run.EvaluationEvent},
 * {@link ai.llamafactory.api.run.SaveEvent}), {@link ai.llamafactory.api.run.TrainingResult} is what a training
 * produced, and a {@link ai.llamafactory.api.run.CancellationToken} stops a training or a chat request from another
 * thread. These types sit below the chat API and the service provider interfaces, which both use them.
 */
package ai.llamafactory.api.run;
