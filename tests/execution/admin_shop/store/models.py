from django.db import models


class Region(models.Model):
    name = models.CharField(max_length=50)


class Customer(models.Model):
    email = models.EmailField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE)

    def __str__(self):
        return self.email


class Order(models.Model):
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL)
    total = models.IntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"order {self.id} for {self.customer.email}"


class Refund(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)


class Invoice(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)


class Payment(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    paid = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)


class Shipment(models.Model):
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)


class Coupon(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)

    def owner_region(self):
        return self.customer.region.name


class Delivery(models.Model):
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
