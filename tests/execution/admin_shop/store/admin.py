"""One admin per case; the runner requests each changelist. The class line is where scalelint
reports, and the docstring says what execution should show."""

from django.contrib import admin

from .models import Coupon, Delivery, Invoice, Order, Payment, Refund, Shipment


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """grows: __str__ and paid_by read the customer of each order"""

    list_display = ("__str__", "total", "paid_by")

    def paid_by(self, obj):
        return obj.customer.email if obj.customer_id else ""


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """constant: a foreign key in list_display makes Django select_related() the non-null keys"""

    list_display = ("id", "customer", "region")

    def region(self, obj):
        return obj.customer.region.name


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """constant: get_queryset loads the customer"""

    list_display = ("id", "email")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer")

    def email(self, obj):
        return obj.customer.email


class PaymentAdmin(admin.ModelAdmin):
    """grows: get_queryset narrows Django's queryset and loads nothing"""

    list_display = ("id", "email")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(paid=True)

    def email(self, obj):
        return obj.customer.email


admin.site.register(Payment, PaymentAdmin)


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    """constant: list_select_related names the relation"""

    list_display = ("id", "email")
    list_select_related = ("customer",)

    def email(self, obj):
        return obj.customer.email if obj.customer_id else ""


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    """grows: a model method in list_display reads two relations"""

    list_display = ("id", "owner_region")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """grows: select_related() follows only keys that cannot be null, so a nullable foreign key
    in list_display is still loaded once per row"""

    list_display = ("id", "customer")
