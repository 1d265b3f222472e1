"""CloudWatch seeders."""
from . import seeder


@seeder("alarm", "cloudtrail-put-metric-alarm.json")
def alarm(world, label):
    world.client("cloudwatch").put_metric_alarm(
        AlarmName=label, MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average",
        Period=300, EvaluationPeriods=1, Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold", Tags=world.tag_list(label))
    return [label]
