"""The compute suite's fleet: Auto Scaling groups and launch configurations, Lambda functions
and layer versions, ECS services and task definitions, EKS clusters, each on either side of a
policy. Everything has a stable name (and a ``Name`` tag where the type has tags)."""
import io
import json
import zipfile

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER = "210987654321"


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def seed(endpoint):
    import boto3
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)

    def client(service):
        return session.client(service, endpoint_url=endpoint, region_name=REGION)

    ec2, asg, lam, iam, ecs, eks = (client(s) for s in
                                    ("ec2", "autoscaling", "lambda", "iam", "ecs", "eks"))
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in enumerate("ab")]
    web_sg = ec2.create_security_group(GroupName="parity-web", Description="web",
                                       VpcId=vpc)["GroupId"]
    db_sg = ec2.create_security_group(GroupName="parity-db", Description="db",
                                      VpcId=vpc)["GroupId"]
    image = ec2.register_image(Name="parity-base", RootDeviceName="/dev/sda1",
                               BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                     "Ebs": {"VolumeSize": 8}}])["ImageId"]

    # -- Auto Scaling: a plain group with secrets in its user data, an encrypted one, a
    # broken one (its key pair is gone), and a spare launch configuration
    # moto base64-encodes the user data it is given, as AWS stores it
    secret = "#!/bin/sh\nexport password=hunter2\n"
    asg.create_launch_configuration(
        LaunchConfigurationName="parity-lc-plain", ImageId=image, InstanceType="t3.micro",
        UserData=secret, SecurityGroups=[web_sg],
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 5}}])
    asg.create_launch_configuration(
        LaunchConfigurationName="parity-lc-sealed", ImageId=image, InstanceType="m5.large",
        SecurityGroups=[web_sg],
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 5,
                                                                "Encrypted": True}}])
    asg.create_launch_configuration(
        LaunchConfigurationName="parity-lc-broken", ImageId=image, InstanceType="t3.micro",
        KeyName="parity-missing-key")
    asg.create_launch_configuration(
        LaunchConfigurationName="parity-lc-spare", ImageId=image, InstanceType="t3.micro")

    def group(name, config, propagate):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name, LaunchConfigurationName=config, MinSize=0, MaxSize=2,
            DesiredCapacity=0, VPCZoneIdentifier=subnets[0],
            Tags=[{"Key": "Name", "Value": name, "PropagateAtLaunch": propagate},
                  {"Key": "Owner", "Value": "team", "PropagateAtLaunch": propagate}])
    group("parity-asg-plain", "parity-lc-plain", True)
    group("parity-asg-sealed", "parity-lc-sealed", False)
    group("parity-asg-broken", "parity-lc-broken", True)

    # -- Lambda: one in a VPC shared with another account and fed by S3, one with reserved
    # concurrency and a public URL
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="parity-fn",
                           AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]

    def function(name, **kw):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                            Handler="app.handler", Code={"ZipFile": code()},
                            Tags={"Name": name}, **kw)
    function("parity-fn-shared", VpcConfig={"SubnetIds": subnets[:1],
                                            "SecurityGroupIds": [db_sg]})
    lam.add_permission(FunctionName="parity-fn-shared", StatementId="other",
                       Action="lambda:InvokeFunction", Principal=OTHER)
    lam.add_permission(FunctionName="parity-fn-shared", StatementId="s3",
                       Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    function("parity-fn-capped", MemorySize=256)
    lam.put_function_concurrency(FunctionName="parity-fn-capped",
                                 ReservedConcurrentExecutions=5)
    lam.create_function_url_config(FunctionName="parity-fn-capped", AuthType="NONE")

    for name, shared in (("parity-layer-shared", True), ("parity-layer-private", False)):
        version = lam.publish_layer_version(LayerName=name,
                                            Content={"ZipFile": code()})["Version"]
        if shared:
            lam.add_layer_version_permission(LayerName=name, VersionNumber=version,
                                             StatementId="other", Principal=OTHER,
                                             Action="lambda:GetLayerVersion")

    # -- ECS and EKS
    ecs.create_cluster(clusterName="parity")
    definition = ecs.register_task_definition(
        family="parity-task", containerDefinitions=[{"name": "web", "image": "nginx",
                                                     "memory": 128}],
        tags=[{"key": "Name", "value": "parity-task"}])["taskDefinition"]["taskDefinitionArn"]
    for name, count, group_id in (("parity-svc-web", 2, web_sg), ("parity-svc-idle", 0, db_sg)):
        ecs.create_service(cluster="parity", serviceName=name, taskDefinition=definition,
                           desiredCount=count, tags=[{"key": "Name", "value": name}],
                           networkConfiguration={"awsvpcConfiguration": {
                               "subnets": subnets[:1], "securityGroups": [group_id]}})
    for name, group_id in (("parity-eks-web", web_sg), ("parity-eks-db", db_sg)):
        eks.create_cluster(name=name, roleArn=role, tags={"Name": name},
                           resourcesVpcConfig={"subnetIds": subnets,
                                               "securityGroupIds": [group_id]})
    return {"asg": ["parity-asg-broken", "parity-asg-plain", "parity-asg-sealed"],
            "lambda": ["parity-fn-capped", "parity-fn-shared"],
            "lambda-layer": ["parity-layer-private", "parity-layer-shared"],
            "ecs-service": ["parity-svc-idle", "parity-svc-web"],
            "eks": ["parity-eks-db", "parity-eks-web"]}
